"""The WSGI application (``gunicorn wenjiuye.wsgi``): the working folder is made ready first."""

import os

from django.core.wsgi import get_wsgi_application

from wenjiuye.home import prepare_home

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenjiuye.settings")
prepare_home()
application = get_wsgi_application()
