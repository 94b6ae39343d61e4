"""Running the platform: backups and restores."""
