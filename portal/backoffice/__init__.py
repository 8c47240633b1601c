"""The back office: duos, team leads and interpreters at work."""
