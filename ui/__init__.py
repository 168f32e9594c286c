"""Gradio building blocks for ``app.py``: the storyboard studio, the ad studio, and their HTML rendering.

Only the web app imports this package; ``assistant`` never does (it must work without Gradio).
"""
