"""Who may know what, and what each viewer is shown: the layer between the engine and
everything that shows a game to someone (screens, the host, bots, agents, the debrief).

`visibility` holds every secrecy rule; `view.PlayerView` is one viewer's window onto a game
at one moment (what bots decide from); `build.observe` turns it into the one versioned
`Observation` that screens, the network, agents, the debrief and the report all read.
"""
