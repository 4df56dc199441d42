"""The runtime of the Relier bot: settings, wiring, adapters, command line."""
