"""Persistence of the Relier bot: models, transactional operations, migrations."""
