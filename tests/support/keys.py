"""Data keys of the tests: every store the tests build encrypts, as a real installation does."""

# 32 bytes in base64, as `relier keys new` prints them; used nowhere else.
TEST_DATA_KEY = "q3J0dYw5rV8m1pXcZk2hB6sN4uTfLgE9aW7yD0iOjRM="
OTHER_DATA_KEY = "Xh2mP9sK4vQ7tZ1cB8nR5wL3yF6uJ0eA2dG9kM4pT7s="
