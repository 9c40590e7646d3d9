"""The service's own date formats (settings.FORMAT_MODULE_PATH), over Django's for en-GB."""
