"""The build engine: from a loaded site to files in the output folder."""
