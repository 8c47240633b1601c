"""Benchmarks: scripts that print figures against their budgets and fail when one is missed."""
