"""One repository per aggregate; repositories flush but never commit."""
