"""The live preview behind `briefgen serve`: workspace state, pages, the HTTP server."""

LOCAL = "127.0.0.1"  # the only address served unless --host is given
