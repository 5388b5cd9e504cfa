"""Limits of the numbers the use cases take besides those of the core (a light module: front
doors import it to build their parsers without loading the engine)."""

from __future__ import annotations

from tracker.core.limits import Limit

#: Seeds are whole numbers from 0 (numpy's seeding takes no negative ones) to 2**32 - 1, the
#: classic seed range: every simulated recording is reproducible from its seed.
SEED = Limit("seed", 0, 2**32 - 1, "a seed", integer=True)
#: How many recordings one command writes: at least one (zero writes nothing and says nothing),
#: at most 10,000 (the evaluation corpus is 300; more is a slip of the keyboard).
SIMULATED_RECORDINGS = Limit("count", 1, 10_000, "a number of recordings", integer=True)
CORPUS_RECORDINGS = Limit("recordings", 1, 10_000, "a number of recordings", integer=True)
#: Sets in one simulated recording (a session prescribes 1-3; 20 as for a prescription).
SIMULATED_SETS = Limit("sets", 1, 20, "a number of sets", integer=True)
#: A recording replayed as a live sensor goes at 0.1-1000 times real time, or as fast as possible
#: ('max'): slower than a tenth is no replay anyone watches (1e-9 would take decades), faster
#: than 1000 is 'max' in all but name.
REPLAY_SPEED = Limit("speed", 0.1, 1000.0, "a replay speed, times real time")
#: UCI recordings replayed faster to stand for faster people (``reptrack eval --tempo``): 0.5-3
#: times (a rep of the protocol's 2-4 s then takes 0.7-8 s; faster than 3 is no exercise).
EVAL_TEMPO = Limit("tempo", 0.5, 3.0, "a replay tempo, times the recorded one")
#: A gyro offset added to UCI recordings (``reptrack eval --gyro-offset``): 0-50 deg/s (a MEMS
#: gyro out of calibration reads up to 20-30 deg/s at rest; more is a broken sensor).
EVAL_GYRO_OFFSET = Limit("gyro_offset_dps", 0.0, 50.0, "a gyro offset", "deg/s")
#: A gain put on every gyro of UCI recordings (``reptrack eval --gyro-gain``): 0.25-8 times (a
#: full-scale range set to one value and decoded as another reads 2, 4 or 8 times, or a half or a
#: quarter; UCI subject 2's thigh sensor reads 3.7 times as recorded).
EVAL_GYRO_GAIN = Limit("gyro_gain", 0.25, 8.0, "a gyro gain, times the recorded rate")
#: A live sensor that is gone this long ends the session as interrupted, s. 60 s by default: a
#: person walks back into range or restarts a sensor within a minute; 1 s would end a session at
#: the first hiccup, more than an hour is a session nobody is doing any more.
GIVE_UP_DEFAULT_S = 60.0
GIVE_UP = Limit("give_up_s", 1.0, 3600.0, "seconds to wait for a lost sensor", "s")
#: A scan lasts more than 0 and at most 120 s (sensors advertise every 0.1-2 s; 5 s finds them all)
SCAN_TIME = Limit("timeout", 0.0, 120.0, "a scan time", "s", low_exclusive=True)
#: How BlueZ subscribes to notifications (see tracker.sensors.ble.NotifyMode)
NOTIFY_MODES = ("start-notify", "acquire-notify")
