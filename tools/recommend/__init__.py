"""Recommendations: liked and disliked titles in, personalised picks out, each explained.

``engine`` combines the signals and resolves names, ``models`` holds the collaborative models (EASE and its
baselines), ``content`` the content similarity, ``explain`` the reasons and diversification.
"""
