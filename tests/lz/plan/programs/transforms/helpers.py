def stamp(name):
    return f"acme-{name}-files"
