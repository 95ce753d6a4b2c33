"""padan.cli."""
