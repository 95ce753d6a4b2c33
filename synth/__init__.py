"""padan.synth."""
