"""The Gradio writers' room."""
