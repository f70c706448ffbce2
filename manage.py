#!/usr/bin/env python
import sys

sys.path.insert(0, "src")
from wenjiuye.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
