#!/usr/bin/env python3
"""blackhole.py - a DNS server on loopback that never answers (tests).

  blackhole.py --listen 127.0.0.1:PORT

Same as dnsrelay.py --blackhole: takes UDP and TCP queries (TCP
connections are accepted and kept open) and never answers.  Prints
"ready" (or "ready PORT" with PORT 0) once listening.
"""

import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
os.execv(sys.executable, [sys.executable, os.path.join(here, "dnsrelay.py"),
                          "--blackhole"] + sys.argv[1:])
