"""Helpers shared by the test suites: required binaries, a throwaway PostgreSQL cluster, databases."""
