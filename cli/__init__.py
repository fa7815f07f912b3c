"""The scriptroom command line: thin commands over library code."""
