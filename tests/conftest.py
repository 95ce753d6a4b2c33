"""Root of the test suite: pytest puts this folder on sys.path, so shared helpers such as
dashboard_fields.py can be imported by tests in any subfolder."""
