"""The developers' documentation of every served version, generated from the code."""
