"""One module per lesson (``exNN.py``), each registering that lesson's exercises with
:func:`caspian.checks.exercise`. :func:`caspian.checks.check` imports them all on first use."""
