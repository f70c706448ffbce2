"""Pages that compose the records of many parts: the enterprise file (企业档案) today, the
dashboard later. Views and selectors only, no models; it sits in the top layer beside ``api``
and ``ops`` because it reads from every part below."""
