"""Playing over the network: the host's shared game store (and, beside it, the server).

Everything under `wargame.net` is the outermost layer: it may use the engine, saves,
bots and play packages, and nothing inside them imports it.
"""
