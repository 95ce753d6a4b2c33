"""padan.encoder."""
