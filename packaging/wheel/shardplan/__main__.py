"""`python -m shardplan ARGS...` runs the bundled binary, like the `shardplan` command."""
import sys

from shardplan import main

sys.exit(main())
