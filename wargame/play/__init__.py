"""A game as people play it, with no UI code: game control and autosave (`control`), the
read model that every screen, replay and client renders (`readmodel`), and the
facilitator's clock (`clock`). The terminal UI and the network host sit on top of these.
"""
