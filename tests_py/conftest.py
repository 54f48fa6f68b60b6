import os
import sys

# The shared kernels (reference_kernels.py) live next to the tests.
sys.path.insert(0, os.path.dirname(__file__))
