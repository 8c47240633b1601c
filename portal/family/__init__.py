"""The family pages: what a parent sees on their phone."""
