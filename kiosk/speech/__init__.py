"""Read aloud (朗读): what the kiosk says, and the offline engine that says it.

Qt-free. :mod:`kiosk.speech.words` turns prices, units, product names and pickup codes into the
words a person says ("¥59.90/袋" → "五十九块九一袋"); :mod:`kiosk.speech.espeak` renders them to
PCM with eSpeak NG (the library and its Mandarin voice come from the ``espeakng-loader`` wheel);
:mod:`kiosk.speech.sound` plays PCM; :mod:`kiosk.speech.speaker` runs all of it on one
background thread where a new request interrupts the one still speaking. The GUI's adapter is
``kiosk.ui.speech``. See docs/ui.md, "Read aloud".
"""
