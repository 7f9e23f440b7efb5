"""Outputs other than HTML pages: feeds, data exports, and checks of a built site."""
