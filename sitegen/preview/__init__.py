"""The preview (`sitegen serve`): HTTP, file watching and the rebuild loop."""
