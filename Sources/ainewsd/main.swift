print("ainewsd: the daemon is not built yet; see issue 6.")
