"""Key art for a title: a poster (2:3), a row tile (16:9) and a square social card.

Each is a background that fits the lead genre and tone (drawn procedurally on a CPU, or by the storyboard's
diffusion renderer when an image model is configured) under a title treatment, the tagline and a credits block,
all inside the shape's safe area. Every PNG carries the storyboard frames' provenance text chunks.
"""

from tools.ads.key_art.compose import SHAPES, KeyArt, Shape, draw_key_art

__all__ = ["SHAPES", "KeyArt", "Shape", "draw_key_art"]
