"""``python -m exactrank``: the command line.

It implements no paper result.
"""

from .cli import main_exit

main_exit()
