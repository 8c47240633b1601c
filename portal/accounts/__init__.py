"""Accounts apart from the web: passwords and second factors, sign-in steps, sessions and known devices."""
