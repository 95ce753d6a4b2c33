"""padan.evaluation."""
