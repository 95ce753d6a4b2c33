"""padan.linker."""
