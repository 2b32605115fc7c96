"""net: talking to the regulators' servers.

Takes a FetchRequest, gives a FetchResult: politeness (robots.txt, per-host turns), the SSRF
guard, TLS, retries within one time budget, size caps.
"""
