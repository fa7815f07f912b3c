"""Writer tools, one module per tool."""
