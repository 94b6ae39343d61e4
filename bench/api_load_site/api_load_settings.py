"""bench/api_load.py's settings: the site's own (config.settings), with the URL conf of api_load_urls.py,
which adds the baseline's route to the site's URLs. (In a folder of their own, put on the server's path:
bench/ itself holds statistics.py, which would hide the standard library's module.)"""

from config.settings import *  # noqa: F403 - the site's settings, unchanged but for the URL conf

ROOT_URLCONF = "api_load_urls"
