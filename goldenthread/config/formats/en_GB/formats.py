"""Dates as people in Scotland type them, for every date question (A11Y-1, A11Y-3).

Django's en-GB input formats take 31/03/2027 and 2027-03-31 but not "31 3 2027" or
"31 March 2027", which the service's own messages give as examples: a date typed as the
message showed was refused with the same message again. Only the input formats are set
here; every other format is Django's en-GB one."""

from goldenthread.ui.forms.fields import TYPED_DATE_FORMATS

DATE_INPUT_FORMATS = list(TYPED_DATE_FORMATS)
