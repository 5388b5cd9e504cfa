"""Parameters of the analysis, in physical units, with their defaults and sources."""

from __future__ import annotations

import math
from dataclasses import dataclass

from tracker.core.exercises import ExerciseDefinition, Plane, Posture
from tracker.core.recording import Placement, check_sample_rate
from tracker.pipeline.orientation import OrientationConfig
from tracker.pipeline.rhythm import RhythmConfig


@dataclass(frozen=True)
class Thresholds:
    """Form-flag thresholds.

    Defaults and where they come from:

    * ``pelvic_rise_min_deg`` = 5: consumer IMUs resolve pelvic tilt to about 3-5 deg,
      so no lower default; a personal baseline from calibration raises it.
    * ``pelvis_not_level_min_deg`` = 5: same resolution argument, for the hip raise.
    * ``too_fast_phase_s``: from the exercise definition (home programmes ask for
      "slow, controlled" lifts of 2-3 s; a lift or lower measured under 0.8 s is
      not controlled). Phases are measured from the start to where the segment stops
      (speed under 20 % of the rep's peak), so 0.6 s measured is about 0.75 s of movement.
    * ``usual_phase_fraction`` = 0.6 and ``rushed_phase_floor_s`` = 0.6: a person whose lifts and
      lowerings are all quick is judged against their own: once they have done
      ``_USUAL_PHASE_MIN_REPS`` reps, a phase of a rep held at the top (``usual_hold_min_s``) is
      too fast only under 60 % of their usual quicker phase (the median over the session's reps,
      this one included) when that is under ``too_fast_phase_s`` -- and always when under 0.6 s.
      A rep not held (up and straight down) keeps the exercise's limit: otherwise a patient who
      rushes every rep at 0.55-0.75 s a phase made that the norm and was told from the third rep
      on (found in review). UCI subject 2's correct lowerings take 0.54-0.77 s (of 50-78 deg),
      held 2-3.5 s at the top, and 20 % of that block was flagged; subject 1's correct reps
      measure 0.8 s or more. The fraction chosen on subject 1 (0.6, 0.7, 0.8, 0.9 flag 2 of its
      80 correct reps and all of its fast ones; 0.6 the fewest of its low-amplitude reps, 12 of
      79 against 16); the floor on the real-behaviour corpora (subject 1 flags alike at 0.4-0.6):
      without one, fast no-pause sets set the norm and too_fast recall fell 0.965 -> 0.687
      (seed 2026); 0.4 / 0.5 / 0.6 gave F1 0.886 / 0.894 / 0.896 (seed 2026, 0.893 without the
      rule; with the hold condition 0.5 / 0.6: 0.894 / 0.895, seed 11 0.872 / 0.873). Scored on
      subject 2 (``--no-hold``, all placements): correct block 16 -> 12 of 80 reps flagged (4
      thigh-worn straight-leg raises measured with no hold, 3 a recording's first two reps, 5
      under 60 % of their own phases), fast block 80 of 80. Not applied to a ``too_fast_phase_s`` set explicitly.
    * ``too_fast_fraction`` = 0.6: a rep that takes under 60 % of the person's usual rep time
      (the median duration of the reps so far, this one included) is rushed, whatever its
      phases measure: people who lift in a second also cut the hold and rush the whole rep
      (UCI "fast" blocks: reps of 1.4-2.8 s against 4-7 s). Chosen on UCI subject 1 (fast
      block 92 % flagged, correct block 4 %), read on subject 2.
    * ``skipped_hold_fraction`` = 0.3: with no hold prescribed, a rep that holds under 30 % of
      the person's usual hold (the median of their unrushed reps, when it is 1 s or more) went up
      and straight down: too_fast. UCI "fast" reps are the protocol's reps without the hold,
      their lifts no quicker than the correct ones' for subject 2 (0.5-1.4 s in both blocks).
      Chosen on subject 1 (0.3 and 0.4 both flag 100 % of its fast blocks, correct blocks
      unchanged; 0.3 is the stricter), scored on subject 2: fast blocks 67.5 -> 100 %.
    * ``usual_hold_min_s`` = 1.0: a person whose reps usually hold under 1 s has no hold to skip
      (a rep without one measures 0-0.9 s of hold in the UCI fast blocks).
    * ``short_hold_fraction`` = 0.4: a hold under 40 % of the prescribed time. Tuned on the
      UCI data (subjects 1-2), whose "5 s" holds measure 2.2-5 s and whose fast reps hold < 1 s.
    * ``partial_rom_fraction`` = 0.8: a range under 80 % of the target (calibrated,
      prescribed, or the person's usual range -- ``flags.reference_rom_deg``, see
      ``usual_range_min_reps`` -- and the session's typical rep, the median of the ranges so far
      but for partial returns'). Chosen by
      leave-one-subject-out on UCI: the best setting on subject 1 with at most 10 % of correct
      reps flagged is 0.8 (low-amplitude block 73 %, correct 4 %), and on subject 2 too
      (82 %, 0 %); 0.75 flagged 65 % / 76 % of the low-amplitude blocks. Before the person's
      range is known (a session's first reps) a rep not rushed, or one started part of the way up,
      is judged against the exercise table's smallest typical range too, when the sensor is on
      the moving segment.
    * ``beyond_range_fraction`` = 1.5: a range over 1.5 times the same reference as
      partial_rom: a person's reps vary by about ±20 % around their comfortable range, so half as
      far again is a different movement (the knee bending, the pelvis rolling), not a bigger rep.
      The rep still counts; the flag says what to change.
    * ``jerky_velocity_peaks`` = 3 (with a gyro): three or more distinct angular-speed peaks
      in the lift or the lowering (Rohrer et al. 2002: smoothness as few sub-movements), counted
      on the speed averaged over ``DetectorConfig.velocity_peak_smooth_s`` -- and
      ``jerky_peaks_over_usual`` = 2 more than the person's usual count (the median of the
      session's reps before this one not rushed: a fast set's quick bells are no habit), if that
      is more. Real movement wobbles: in UCI's correct
      reps (healthy people, slow and controlled) the angular speed's RMS about its 0.2 s moving
      average is a median 0.07 of the phase's peak speed; the clean simulator's 0.03 (the
      real-behaviour corpus has the wobble since stop 36). Against three peaks alone, over
      0.04 s, 26 % of UCI subject 1's correct reps were jerky and 25 % of subject 2's.
    * ``jerky_tremor_dps`` = 15 and ``jerky_tremor_over_usual`` = 3: a rep not rushed whose
      tremor (``Rep.tremor_dps``: the angular velocity's RMS about its moving average over
      ``DetectorConfig.tremor_window_s``, the worse phase) is over 15 deg/s and over 3 times the
      person's usual (the median of the session's reps before it not rushed) is jerky. A tremor of 1 deg
      at 4 Hz reads about 14, at 6 Hz 30, of 2 deg at 6 Hz 60 (tests/test_flags_form.py); UCI
      subject 2's wobble alone reads 10-35 in correct reps, hence the person's own.
      Chosen with the peaks' settings (the smoothing, the 2 over usual) on the real-behaviour
      corpus seed 2026 and UCI subject 1, and read on seed 11 and subject 2 (``reptrack eval``,
      UCI with ``--no-hold --placements all --subject``): gyro F1 0.45 -> 0.60 (seed 2026) and
      0.42 -> 0.55 (seed 11) against stop 36's first rule (the usual count over 0.04 s, SPARC
      under -5, no tremor); correct reps flagged 1 % (subject 1) and 10 % (subject 2), against 11
      % and 9 % under that rule and 26 % and 25 % under stop 35's; none of the fast blocks'. The price: the clean corpora, whose legs do not wobble, lose
      the closest sub-movements to the smoothing (gyro F1 0.88 / 0.86 -> 0.84 / 0.80, seeds
      2026 / 7).
      SPARC (Balasubramanian et al. 2015) is measured and reported but no longer flags: under
      -4.1 it caught none of the simulator's jerky reps and 6 % of UCI's correct ones, under
      -5.0 none and 2.5 %.
      Without a gyro the tilt-derived speed is too noisy to count peaks or for tremor.
    * ``flick_min_fraction`` = 0.05: a rep whose held top is more than 5 % below its peak flicked
      past the top (a rebound: 5-15 % of the range in the simulator) and is judged by the held
      top for beyond_range and the usual range; closer, by its peak (the held top of a rep with
      no hold is estimated to a few per cent). partial_rom compares the peak (with the held top
      the clean corpus seed 7 flagged 4 more correct reps).
    * ``jerky_shake_g`` = 0.12: RMS accelerometer content above the 3 Hz gravity low-pass
      during the movement (tremor of 1 deg at 4 Hz on the thigh is about 0.28 g); without a
      gyro only (with one, tremor shows in the speed peaks, and the shake of big reps only
      added false flags), and not on too-fast reps, whose own acceleration reaches it -- and
      ``jerky_shake_over_usual`` = 2 times the person's usual (the median of the session's reps
      before it not rushed), if that is more: a leg's own acceleration in big or brisk reps
      shakes too. Chosen on the real-behaviour corpus seed 2026 (accelerometer-only jerky F1
      0.55 -> 0.60; 3 times: 0.63, but the clean seed 2026 0.72 -> 0.71), read on seed 11 (0.55
      -> 0.59) and UCI with its gyros dropped, no hold, every sensor: correct reps flagged 13.8 /
      8.6 % -> 2.5 / 2.5 % (moving segment / second sensor), fast blocks 26.9 / 21.6 -> 6.4 / 13.5 %.
    """

    pelvic_rise_min_deg: float = 5.0
    pelvis_not_level_min_deg: float = 5.0
    too_fast_phase_s: float | None = None  # None: the exercise's own value
    too_fast_fraction: float = 0.6
    usual_phase_fraction: float = 0.6
    rushed_phase_floor_s: float = 0.6
    skipped_hold_fraction: float = 0.3
    usual_hold_min_s: float = 1.0
    short_hold_fraction: float = 0.4
    partial_rom_fraction: float = 0.8
    beyond_range_fraction: float = 1.5
    jerky_velocity_peaks: int = 3
    jerky_peaks_over_usual: int = 2
    jerky_tremor_dps: float = 15.0
    jerky_tremor_over_usual: float = 3.0
    jerky_shake_g: float = 0.12
    jerky_shake_over_usual: float = 2.0
    partial_return_raise_fraction: float = 0.7
    #: a rep that starts within this share of its range of its set's first start came back to rest
    #: and shows the person's range (steady reps start within 0.2 at the simulator's 95th
    #: percentile; a rep lifted again from 40-60 % of the way back starts at 0.7-1.5): at 0.7, the
    #: partial_rom line, a session's first set of partial returns set the range it was judged
    #: against (with the table's prior for such reps, flags.py: real behaviours partial_rom F1 with
    #: a gyro 0.85 -> 0.87 seed 2026, 0.77 -> 0.79 seed 11; UCI every placement 0.81 -> 0.83)
    controlled_raise_fraction: float = 0.3
    usual_range_min_reps: int = 2
    flick_min_fraction: float = 0.05


@dataclass(frozen=True)
class Personalisation:
    """What calibration or a prescription tells about this person (all optional)."""

    target_rom_deg: float | None = None
    pelvic_baseline_deg: float | None = None
    hold_s: float | None = None  # prescribed hold at the top
    sparc_baseline: float | None = None  # median SPARC of the person's calibration reps: shown beside a session's, no flag judges it (stop 36)


@dataclass(frozen=True)
class DetectorConfig:
    """Rep detection parameters (see :mod:`tracker.pipeline.detector`)."""

    block_s: float = 0.1  # samples are processed in blocks of at least this: adds <= 0.1 s to when a rep shows (issue 11: <= 300 ms); 0.5 s cost a third of the CPU but half a second of latency
    idle_block_s: float = 0.5  # ... and of this while the segment rests with no rep under way, waiting or unconfirmed: no rep can show before a lift begins, and a rep's end comes at least ``min_rep_s`` after it, in blocks of ``block_s`` again (a set's end, a turned-down movement or a gap may show up to this much later; every event and its order are the same). ``block_s`` throughout: 70,000 samples/s fed 10 at a time, under the 100,000 budget (the budget was met at 0.5 s throughout, before stop 21); with this, 108,000-111,000, and the latency on UCI and the clean corpus as it was to the millisecond (1.0 s: 122,000, a set's first reps' 95th percentile 161 -> 182 ms on the clean corpus)
    still_dps: float = 8.0  # below this angular speed the segment is still
    still_s: float = 0.5  # stillness that (re-)establishes the reference posture
    quiet_before_s: float = 0.3  # stillness before a rep (a pause) ...
    quiet_window_s: float = 2.0  # ... somewhere within this time before its start
    # A pause between quick movements is the segment slowing to under ``still_dps`` -- or, after
    # a quick rep, to under this share of the rep's own mean tilting speed (up and down its range
    # in its duration: ``candidate.pause_limit_dps``) -- for ``quiet_before_s``. A person who
    # moves faster also settles faster: UCI subject 2's prone leg lifts, replayed 1.25 times
    # faster, overshoot the rest on landing and drift back at 9-15 deg/s, never under the still
    # speed, and a whole fast block counted 0. A walking thigh passes its rest at full speed and
    # is under this share (about 0.16 of its peak speed) for 0.05 s at each turning point only
    # (a sinusoidal stride of 1 s). Chosen on UCI at 1.25 times the speed (0.2 lost subject 2's
    # fast prone block; 0.3 to 0.5 scored alike there and changed no count on the three corpora).
    pause_speed_fraction: float = 0.3
    # ... for a rep that took at least this long: a walking stride's forward swing (the swing
    # phase, 40 % of a 1-1.2 s stride) measures 0.5-0.7 s, and a stride or two and a turn slow
    # the thigh as much (0.6 counted strides during setup motion in 2-7 more recordings of each
    # corpus of 300).
    calm_min_rep_s: float = 0.75
    pause_after_quick: bool = True  # a rep quicker than ``min_unpaused_rep_s`` needs a pause after it too
    min_unpaused_rep_s: float = 1.2  # a rep with no pause before it takes at least this (a walking swing: 0.6-0.8 s)
    minor_fraction: float = 0.3  # within a run, a movement this small is a fidget, not a rep
    tiny_fraction: float = 0.2  # ... and this small, whichever way it goes (partial reps are 35-90 % of the range)
    rebound_fraction: float = 0.7  # an opposite movement this small right after a rep ...
    rebound_s: float = 0.5  # ... (starting within this time of its end) is the leg overshooting as it lands
    bounce_s: float = 0.2  # a movement under ``minor_fraction`` of the run's range that starts this soon after a rep's end, either way, is the leg bouncing as it lands (fast sets: 0-0.05 s after the end level; a walk's next stride came 0.47 s after, real-behaviour corpus)
    hold_steady_deg: float = 1.0  # a hold: still, and the tilt changed less than this over ``still_s``
    rest_steady_deg: float = 0.3  # a new rest posture between reps: ... less than this (the slow end of a lowering is no rest)
    settle_s: float = 0.25  # stillness that ends a rep's lowering
    max_hold_s: float = 12.0  # still longer than this away from the reference: new posture
    phase_speed_fraction: float = 0.2  # below this share of the rep's peak speed: not lifting or lowering
    exit_fraction: float = 0.5  # lowering below this fraction of the peak ends the lift
    end_fraction: float = 0.15  # back within this fraction of the peak: rep over
    onset_fraction: float = 0.35  # of the detection threshold: where a rep starts
    run_gap_s: float = 15.0  # reps further apart than this do not confirm each other
    set_gap_s: float = 15.0  # a rest this long ends a set
    direction_min_cos: float = 0.5  # reps of one run move the same way
    max_stray_movements: int = 8  # this many non-rep movements between two reps: they are not one set
    # ... nor two reps between which the segment moved this long at walking speed, in movements too
    # small to count (walking back from fetching the weight moved 7-10 s between the bend and the
    # first rep, 5.7 s of it faster than 30 deg/s; a set's first reps are 0.5-3 s apart, still
    # between, simulator and UCI). 3-6 s scored alike on four synthetic corpora and UCI; 2 s lost
    # a set of the real-behaviour corpus.
    max_moving_between_first_reps_s: float = 4.0
    # Movement straight after walking is no set's first rep. Walking stops with a stride whose
    # swing settles slowly (lift 0.4 s, lowering 1.0 s: over ``min_unpaused_rep_s``), or runs
    # straight into the bend to pick up the weight (3-4.5 s, held 1-2.5 s), right after strides
    # turned down as quick reps with no pause after them; it was counted, and the bend or the walk
    # back's last stride made it a set before the first set (real behaviours seed 2026: false reps
    # during setup motion in 5 of 150 recordings with a gyro; on seeds 2026 and 11 the rule turns
    # down 156 such movements: 147 bends, 9 strides, none in a labelled set). With a gyro, and
    # when no set is under way (``set_gap_s``), a movement that starts with no pause (``calm_before``), within
    # ``walk_end_gap_s`` of the end of such a quick movement, after ``walk_end_min_strides`` of
    # them within ``walk_end_window_s``, each at least ``walk_end_stride_fraction`` of its range,
    # is turned down. The price: a set's first rep started under 0.3 s after the last stride of a
    # walk is lost with it (review helper-64; a pause of 0.3 s or more keeps it: tests). Without a
    # gyro a quick swing's tilt is bent and its pieces are cut otherwise: a set's first rep
    # merged with getting into position before it was turned down (real behaviours seed 11,
    # twice). Chosen on seed 2026 and read on seed 11 (noFalse 95.0 -> 96.7 / 92.0 -> 92.7 %,
    # exact 85.3 -> 85.5 / 83.7 -> 83.8 %); one stride or two, a gap of 1 s, 2.5 s or 4 s, 0.3 or
    # 0.5 of the range score within a set of each other; a gap of 2 s turned a set's first rep
    # down after the person shifted their feet; no hold at the top (under 0.5 s) kept none of
    # seed 11's gain (the bends are held).
    walk_end_gap_s: float = 1.0
    walk_end_window_s: float = 2.5
    walk_end_min_strides: int = 2
    walk_end_stride_fraction: float = 0.3  # a walk's strides vary; 0.5 let a short last stride through before a set's first rep and ate it (seed 2026, recording 0201)
    stray_min_s: float = 0.2  # a movement too short or too small for a rep counts towards ``max_stray_movements`` when it lasts this long at least: shorter, it is half a cycle of a leg wobbling about a posture at 2.5 Hz or more (3-4 Hz as it starts from a raised rest, simulator), one movement however often it crosses the entry level (one such wobble made ten "movements" and broke a set's first rep off; real behaviours seed 2026 / 11 exact 73.7 -> 75.2 / 74.5 -> 75.2 %, clean seed 7 97.5 -> 97.7 %, UCI unchanged). A wobble to one side only and back makes a movement of nearly a whole cycle: counted from 3.5 Hz down
    # Walking swings the thigh and shank at 100-300 deg/s; swaying or trembling at rest stays under
    # 20 (+-3 deg at 0.8 Hz: 15 deg/s). At still_dps (8), 8 s of such sway between a set's first
    # two reps measured 5 s "moving" and broke the set (review); at 30 the four corpora score the same.
    walking_dps: float = 30.0
    confirm_rom_ratio: float = 3.0  # the first two reps of a run differ in range by less than this factor
    # A quick rep from rest shows as a set's first the moment it ends, with a gyro, at the rest of a
    # set counted and within ``confirm_rom_ratio`` of its range (``RunTracker._quick_first_rep_shown``):
    # lying down or a thigh seated, as it is; standing in the frontal plane or a shank seated, moving
    # that set's way -- the cosine of its way with theirs at least this: a fast set's first rep
    # 0.92-1.00, a walk's first stride at the rest of a standing hip abduction 0.51-0.57 (a set done
    # with the knee bending turns the shank partly as a stride does; real behaviours seeds 2026 and 11)
    quick_first_rep_min_cos: float = 0.8
    pelvis_wait_s: float = 10.0  # a rep waits this long (main-stream time) for the pelvis sensor's data, then goes out without it
    pelvis_posture_change_deg: float = 45.0  # the pelvis sensor turning more than this during a leg "rep": posture change
    # A rep past the exercise table's largest range (``max_rep_rom_deg``) is still a rep -- a knee that
    # bends, a pelvis that rolls, a person more mobile than the table assumed -- and is flagged
    # beyond_range. A change of posture (lying down, standing up: ~90 deg) is told from it by the
    # rest posture after the movement: a rep comes back to where it started, a posture change settles
    # away. Past that range the lowering must settle within this fraction of the peak from the start
    # posture (a normal rep may settle at up to ``exit_fraction`` = 50 %: partial returns of small reps,
    # UCI subject 1); settling further away is a posture change.
    beyond_range_return_fraction: float = 0.25
    # Such an excursion that came back keeps the reference when it took no longer than this: it
    # may be the first rep of a fast set, which gives no still period to take a new reference in
    # (UCI subject 2 replayed twice as fast: 1.1-1.5 s reps past the range, and the set after the
    # first counted 0 or 4 of 10). A longer one -- a bend to fetch a weight -- comes back near, not
    # exactly to, the posture before it, which is taken afresh at the next still period. Nothing
    # in the simulated corpora (setup motion included) or in UCI at 1-1.5x changes at 2 s.
    beyond_range_quick_s: float = 2.0
    # A movement back to where the previous rep started, after that rep settled part of the way
    # down (a kick up, a hold lower down: UCI subject 2's straight-leg raises), is the rest of that
    # rep's lowering, not a movement of its own the other way: it ends within this fraction of the
    # previous rep's range of where that rep started.
    home_fraction: float = 0.25
    gap_s: float = 2.0  # a hole in the timestamps longer than this restarts the engine; shorter ones are bridged
    buffer_s: float = 45.0  # history kept for rep metrics
    max_hold_per_prescribed: float = 2.0  # with a prescribed hold, still at the top for up to this many times it ...
    max_hold_margin_s: float = 5.0  # ... plus this is still a hold (``PipelineConfig.max_hold_s``; a person holds longer when told to hold)

    # -- levels of the state machine (``detector._advance_*``), as shares of the entry level
    # (the exercise's ``min_detect_rom_deg``), of the peak, or of a rep's range
    reenter_fraction: float = 0.5  # after a rep a new lift must rise this share of the entry level above the lowest tilt since (a rep may close above the entry level, and its wobble is no lift)
    exit_floor_fraction: float = 0.6  # the lift's exit level is at least this share of the entry level (half of a small peak is in the noise)
    held_exit_fraction: float = 0.3  # once a hold at the top of an excursion of at least the typical range was left, lowering below this share of the peak ends the lift (a bridge from lying down turns the thigh back towards sitting)
    held_exit_fraction_beyond: float = 0.2  # ... and this share when the excursion went beyond the typical range (lying down turns the thigh further than a bridge; real partial returns stay within the range: UCI data)
    part_way_fraction: float = 0.75  # a lift that came back down to this share of its peak or below and rests there may be a partial return to a raised rest (the simulator's come back 40-60 % of the way; a hold sags by 5-15 %): the next lift from there is the next rep
    part_way_rest_s: float = 5.0  # ... when it comes within this of the rest's start (a set's reps follow each other within 0.5-2.5 s, simulator and UCI; a leg that stays part-way longer has moved to a new posture: UCI subject 1 between blocks)
    part_way_knee_deg: float = 45.0  # the part-way rules (``part_way_fraction``, ``turn_fraction``) and a rep shown on its way down stop at the top of the exercise's typical range, past which a posture is where the person lay down (:attr:`PipelineConfig.part_way_max_deg`); a sensor on the shank in a hip exercise turns with the knee too, by this much more: UCI subject 2's shank turned 36-39 deg more than the thigh at the median and 39-45 at the upper quartile (straight-leg raise, prone leg lift; subject 1 6 deg or less). At the table's 20 deg a 57 deg prone lift by the shank came back to a raised rest and its set was counted upside down from the hold. The price (review helper-62): a shank's setup past the table's range, the knee bent far and let down part of the way, then small lifts from there, is now a rep and the lifts are judged against it (``tests/test_low_hold_reps.py``, expected failures)
    turn_fraction: float = 0.6  # a lift that came back down to this share of its peak or below (by the entry level at least) and lifts again at once, with no rest to find, turned at a raised rest: the next rep begins at the turn (the simulator's partial returns come back 40-60 % of the way and turn within 0.1-0.6 s; 0.75, as for a rest part-way, split standing shank reps at the tilt a quick lift's deceleration shows: real-behaviour corpus steady sets 85.0 -> 84.2 %)
    turn_min_s: float = 0.8  # ... no sooner than this after the peak (that tilt and a wobble at the top come and go within 0.5 s of it; at 0.5 s UCI subject 2's thigh during knee extensions, replayed 1.5 times faster, split a rep)
    turn_rise_entry_fraction: float = 1.0  # ... rising again from the turn by the entry level, or ``rise_peak_fraction`` of the peak, whichever is more (half the entry level split slow 6-7 deg reps at a tremor in their hold: clean corpus)
    hold_level_fraction: float = 0.8  # a still posture at this share of the peak so far or above is a hold (lower down it is a pause in the lift)
    new_posture_factor: float = 4.0  # ... and one over this many times the exercise's typical largest range from the reference (and past ``max_rep_rom_deg``), whatever the peak, is a new posture at once: no rep turns that far (the simulator's reach 2.5 times the typical range), and lying down or rolling onto the front can (80 deg for standing hip extension and the prone leg lift, 140-160 deg for abduction, the hip raise and the clamshell; out of reach for the other exercises and for a shank sensor on a thigh exercise, which have no range limit). Found only before a hold was. Waiting for it to prove a posture (``STILL_TOO_LONG``, ``BACK_AT_HOLD``, ``TOO_LONG``) lost the first reps after lying down when they were smaller than a hold's ``hold_away_fraction`` (real-behaviour corpus partial-return sets 59.1 -> 63.5 % exact); at 3 (judged on the peak) clean seed 2026 lost big reps held at the top (98.2 -> 97.7 %)
    posture_return_fraction: float = 0.8  # ... after a posture change that far, a still posture this share of the way back to the rest left is one too (a bend to pick up the weight, 84 deg, became the start posture; standing again, 79 deg from it, under 80, and the walk back too big for a hold, the fast set after it was one excursion from the bend and counted 0)
    posture_turn_deg: float = 25.0  # ... and, with a gyro in an exercise done lying, a still posture in a lift, before a hold, turned this far about the vertical since the segment last rested (within ``gyro_anchor_s``): swinging the legs onto the bed from its edge turns the thigh 80-97 deg about the vertical and may leave its tilt as it was (the lie-down and the first bridge were taken as one rep, and every bridge after it counted upside down). From start to end, 2,889 reps of the real-behaviour corpus (seed 2026) turned at most 6.6 deg in 99.5 % (the rest: lying down or a turn merged into a rep). Standing, a turn about the vertical is the person turning round about their own thigh, which leaves the posture as it was: not looked at (review: a held rep straight after turning round was lost)
    posture_turn_tilt_ratio: float = 3.0  # ... and over this many times its tilt from the reference: a posture change turns the segment about the vertical far more than it tilts it (lying down: ~90 deg of turn at 3-5 deg of tilt), a rep as much as it tilts it or a little more (UCI subject 2's side-lying leg raises swing forward 27-32 deg at 24-27 deg of tilt; review: a 15 deg raise swinging 32 deg forward, held, counted 0 of 6 at 2). Hook lying after lying down (89 deg of turn at 41 deg, ratio 2.2) is then not caught here: ``posture_turn_alone_deg`` does (stop 40)
    posture_turn_alone_deg: float = 60.0  # ... or, before the session's first rep, turned this far about the vertical whatever the tilt: lying down into hook lying (knees bent, before bridges) turns the thigh 88-90 deg about the vertical at 41 deg of tilt (ratio 2.2: not caught above, and the lie-down with the first bridge counted as one rep: seeds 2026 / 11, recordings 0169 / 0091, 0125); a rep swings at most 32 deg (review: a side-lying raise swinging forward). Not after the first rep: rolling and sitting up after the last set turn as far, and the reference taken there made the walk away a set (clean seed 7, recording 0097)
    turning_round_deg: float = 20.0  # with a gyro, a quick excursion (under ``min_unpaused_rep_s``) that leaves the segment turned this far about the vertical (its heading at its end against its start) ...
    turning_round_ratio: float = 1.5  # ... and more than this many times its own tilt is the person turning round on the spot, not a rep: after standing still, a turn steps the thigh forward from its rest, quick movements back to back from a rest like a fast set's (stop 41: with a still moment added before the setup's turn, no false rep fell 95.3 -> 83.0 % of recordings, real behaviours seed 2026; the turn's excursions left the thigh turned 62 deg at the median, 321 of 392 quick and past both limits). Reps: 2,943 of that corpus ended at most 26 deg from their heading, at most 0.27 of their tilt in 99.5 %; a raise that swings forward as it lifts turns twice its tilt on the way, and back (review helper-55)
    # ... and a slower excursion (a rep's pace) that leaves the segment turned this far about the
    # vertical and over this many times its tilt is the person turning round too: reps end at most
    # 26 deg from their heading (see above), and a turn with one slow step read as a 1.6 s, 16 deg
    # "rep" turning 149 deg with the exact gyro fusion of stop 45 (clean simulator, side-lying hip
    # abduction, shank, seed 1: the walk and the fetch counted 3 reps before the session's first
    # and it showed 12.7 s late). Clean corpora, recordings with no false rep: seed 2026 97.3 ->
    # 98.0 %, seed 7 98.0 -> 98.7 %; real behaviours unchanged.
    turning_round_slow_deg: float = 90.0
    turning_round_slow_ratio: float = 3.0
    posture_turn_min_dps: float = 10.0  # ... counting only turning faster than this (lying down turns the thigh at 30-50 deg/s; a gyro offset the bias estimate has not caught up with would add up: UCI with 8 deg/s added lost a rep of subject 1's side-lying leg raises)
    hold_away_fraction: float = 0.3  # moving this share of a rep's size (at least the entry level) away from a hold leaves it ...
    hold_back_fraction: float = 0.2  # ... and settling back within this share of that distance (at least the onset level) is returning to it: it was the new start posture
    shift_hold_factor: float = 2.0  # before the session's first rep, a hold no further than this many times the entry level from the reference, in a lift from it that went no further ...
    shift_hold_s: float = 2.0  # ... still this long at least once found (``still_s`` after it came to rest: 2.5 s in all) and left further up, is the start posture shifted (``REST_SHIFTED``): getting into position moved a shank 3.5 deg and stood it there 3 s, and the fast set after it counted 0 of 11, taken for leaving that "hold" (real behaviours seed 2026, recording 0170: 7 of 11 now). Later, or held shorter, it is a pause part of the way up as before: applied to every such hold, partial-return and steady sets lost reps (seed 2026 75.2 -> 73.8 % exact); held 2 s and before any rep of a run but after the first rep, UCI subject 1's low prone lifts seen by the thigh (3-5 deg reps held 5 s) lost two more (MAE 0.042 -> 0.083). The price: a first rep that pauses that low for as long on its way up is measured from the pause (25 deg of a 30 deg rep), where its hold read 0.17 s and it was flagged jerky
    far_hold_factor: float = 1.5  # before the session's first rep, once the hold was left, still again past this many times the exercise's largest typical range is the posture watched instead (``FAR_HOLD``): a rep from it that comes back to it makes it the start posture (BACK_AT_HOLD), and a hold that far is left and met again by a rep of the exercise's size (its typical range), not by a share of the excursion. A pause sitting on the bed's edge was the hold, lying down left it for good, and with a sensor on the shank in a hip exercise (no range limit there) every rep waited until the excursion was too long for one (``max_rep_s``): the first rep showed 5.4-16.8 s late in 21 of 24 seeds of the clean simulator (side-lying abduction, shank), within 0.3 s in 17 now (0.32 s in 19); every count of the corpora and of UCI unchanged
    rise_entry_fraction: float = 0.5  # on the way down, rising again by this share of the entry level ...
    rise_peak_fraction: float = 0.3  # ... or this share of the peak, whichever is more, above the trough starts the next rep (a wobble of the lowering does not)
    top_wobble_s: float = 0.35  # ... unless it rose again within this of the peak, before any hold, at the top of a lift from the rest: a wobble as the leg arrives at the top, not a lowering (the accelerometer's tilt dips 60-70 % of the way for 0.1-0.2 s as a rebound at the top stops the leg, and each rep of such sets counted twice: real-behaviour corpus steady sets 85.0 -> 85.6 % exact, 93.5 -> 94.9 % within one; 0.5 s gained 0.1-0.3 % more but counted a turn after the last set in one recording of seed 2026 and of clean seed 7)
    top_wobble_lift_s: float = 1.0  # ... a lift of at least this from its onset to the peak (a controlled lift; the quick swings of a turn or a walk dip and rise as fast)

    # -- runs and sets (``runs.RunTracker``)
    fast_run_min_reps: int = 3  # quick reps back to back with no pause between count as a fast set from this many on (issue 11: 0.5-1 s reps, 0-0.2 s apart); fewer are a step or two of setup motion
    fast_run_unpaused_min_reps: int = 5  # ... from a rest before the first; with this many, without (the first fast rep can follow getting into position at once, merged with it; a walk swings back between its strides)
    # A fast set that other movement ends without a pause counts from this many reps (the first from
    # a rest, or inside a confirmed set): the person steps away, or the last rep's landing swings back past the rest (a set of 9
    # fast reps was shown, then taken back as "no pause after it"); shifting on the mat comes in threes
    fast_run_unfinished_min_reps: int = 5
    min_fast_rep_s: float = 0.3  # a movement shorter than the exercise's ``min_rep_s`` but not than this counts as the next rep of a fast set (a 0.5 s rep measures 0.35-0.45 s between the onset and end levels; a heel strike or a jolt is over in 0.1 s)
    fast_gap_s: float = 0.6  # ... each starting within this of the last one's end (0-0.2 s apart, plus the share of a fast lift and lowering under the onset and end levels)
    fast_opposite_fraction: float = 0.25  # ... and the segment swinging past its rest the other way by less than this share of their range in between (landing rebounds: up to 20 %, simulator); walking swings the thigh back by half to two thirds of its forward swing (Perry & Burnfield: ~25 deg flexion, 10-20 deg extension), a shank-worn sensor by a quarter or more (0.3 let one walk in 150 recordings through, 0.2 lost 3 of 25 fast sets); not lying down at the rest of a set counted there, where no walk can be what moves (``RunTracker._follows_waiting``, ``_note_landing``)
    fast_set_min_range_fraction: float = 0.5  # standing in the sagittal plane without a gyro, a burst read from its rhythm is a set's only turning at least this share of the median range of the set counted at its rest (``RunTracker._swings_like_a_set``): a rhythm's range is an estimate that reads low at a fast tempo, and a fast set overshoots or falls short of the steady one; shifting from foot to foot turns a thigh 7-15 deg, under half a hip flexion's or a squat's set (30-80 deg) -- not under half a hip extension's (10-20 deg), where ``rhythm_swing_back_fraction`` alone tells them apart
    rhythm_swing_back_fraction: float = 0.25  # ... and swinging past the rest the other way by no more than this share of its own range (the median over its cycles, of the accelerometer's tilt): shifting from foot to foot swings the thigh behind the body too, by 0.2-0.8 of its range (4 bursts counted as sets without it, real behaviours seed 2026), the fast sets 0.0-0.1 (``RunTracker._swings_back_like_a_walk``; the gyro path's ``fast_opposite_fraction`` is the same share, read from the gyro)
    fast_tempo_ratio: float = 2.0  # quick reps waiting for their pause count when a rep no quicker than ``min_unpaused_rep_s`` follows them at once as their next rep would, taking at most this times as long as the last: the set's tempo straddles that limit (UCI fast blocks replayed twice as fast: 1.1-1.7; the rest of a rep split at a wobble at its top after a quick lift takes 6-10 times as long, real-behaviour corpus); and a quick rep joins a rep counted alone just before it that took at most this times as long (``RunTracker._follows_quick_rep``)
    fast_swing_back_min_reps: int = 5  # ... except, once this many came (as many as a fast set needs without a rest before it: a walk's strides do not get this far) ...
    fast_swing_back_share: float = 0.25  # ... in up to this share of the gaps between them and never two in a row (a landing overshoots now and then; a walk swings back at every stride)
    # Without a gyro that swing back cannot be read: the accelerometer's tilt is bent by the leg's
    # own acceleration (fast 55 deg side-lying leg raises measured 88-164 deg, straight-leg raises
    # up to 178 deg: real-behaviour corpus), and the set is read from its rhythm (``rhythm_sets``, stop
    # 37) -- only where no one walks: in an exercise done lying down, from the rest posture of a set
    # counted there already (and lying down, with a gyro, the swing back is not looked for) ...
    fast_rest_match_deg: float = 30.0  # ... its rest within this of that set's (lying and standing differ by 60-90 deg; 10 to 60 scored alike on the real-behaviour corpora)
    fast_rest_min_reps: int = 3  # ... a set of at least this many reps (a walk and the fetch of the weight counted as two reps set a standing rest; 1 to 3 scored alike, 4 to 6 lost one fast set)
    # With a gyro the swing back is read from the up vector turned by the gyro alone from the last
    # pause before the waiting reps (the fused tilt is bent by a quick lift's own acceleration: a
    # shank sensor's fast standing hip flexions showed 14-42 deg of swing back where the gyro turned
    # 0-2.4 deg back). The pause is looked for this far before the first waiting rep (a set's failed
    # first attempts -- reps turned down before its pause-less reps -- lie between). The simulator's
    # gyro bias, up to 2 deg/s per axis, read at the pause, is off by 0.2 deg/s (median; 0.7 at the
    # 90th percentile, 3.3 at most: a "still" pause is under 8 deg/s, not motionless; real-behaviour
    # corpus seed 2026, 196 pauses before fast sets) ...
    gyro_anchor_s: float = 10.0
    gyro_bias_s: float = 1.0  # ... and the gyro's bias is its median over up to this much of the pause ...
    gyro_bias_skip_s: float = 0.1  # ... less this much at its end (a lift can start under the still speed)
    quick_follow_fraction: float = 0.5  # a movement too short for a rep, at least this share of a waiting quick rep's range and after ``rebound_s``: the quick rep was a step
    rep_sized_fraction: float = 0.5  # a waiting quick rep of at least this share of the run's median range breaks an unconfirmed run when it is rejected (a smaller one was a fidget)
    # A movement past the exercise's range, then a rep-sized one within this: the set's first rep was
    # the bigger (counted and flagged beyond_range, issue 11). Later, it was setup motion that sets no
    # typical range for the reps after it: fetching a weight is followed by walking back and strapping
    # it on, 7.7-14.6 s before the next rep-sized movement (real-behaviour corpus and seed 7); a set's
    # next rep follows in 0.5-3 s (both, UCI 0.5-2.5 s).
    big_first_rep_gap_s: float = 5.0
    small_run_factor: float = 2.0  # a run whose reps are under this many times the entry level is of reps near it ...
    small_rep_floor_fraction: float = 0.8  # ... and a movement down to this share of the entry level (at most 1) can be its next rep: from a pause, taking a rep's time, the same way, within ``run_gap_s`` (a still segment's tilt noise is under 0.3 deg)
    max_unconfirmed_reps: int = 3  # reps of an unconfirmed run kept waiting for a similar one; the oldest is rejected beyond this (a set's first reps are similar within three)
    announce_in_set_gap_s: float = 5.0  # inside a confirmed set a quick movement shows as a tentative rep only this soon after the last rep (reps follow each other within 0.5-2.5 s, simulator and UCI; shifting on the mat after a set came later and was taken back: 42 of 122 taken back in 60 corpus recordings)
    announce_max_range_factor: float = 1.5  # ... and up to this many times the exercise's largest range (``max_rep_rom_deg``): a person more mobile than the table, or a shank sensor, makes reps past it, and their set's first rep waited for the second (real behaviours seed 2026, a set's first rep within 300 ms 67.6 -> 69.4 %, tentative reps taken back 261 either way; with no limit 69.6 %, but 278 taken back: bends to pick up the weight)
    show_on_the_way_down_fraction: float = 0.6  # a lift come back down to this share of its peak (by the entry level at least) and stopped coming down there (slowed as a pause after it would: ``pause_limit_dps``) shows as a rep at once, not yet sure, when it is the next rep of a set under way or of a run whose first rep was shown, within the exercise's typical range (``RunTracker.announce_on_the_way_down``; a set's first rep only at the rest of a set counted: getting into position comes part of the way back and settles too): a rep that comes back only part of the way (a partial return, 40-60 % of the way in the simulator) ends where it turns, and the turn is proved only when the next lift has risen by the entry level -- 0.4-1.2 s after the rep's end (issue 11: a rep counts the moment it ends). ``turn_fraction``'s level: what comes down that far is a rep or the start of one. Real behaviours seed 2026: shown within 300 ms 84.5 -> 89.2 %, tentative reps taken back 261 -> 264. Shown also before 'stopped', a rep coming all the way home showed 1.1 s before its end and 334 were taken back; shown also as a set's first rep, 303 (the clean corpus's bridges with the thigh sensor: getting into position)
    announce_min_rom_deg: float = 5.0  # before a set is confirmed, a movement shows as a tentative rep only from this range up: settling on the mat and strapping the weight on turn the thigh 2-4 deg (simulator), the first reps of UCI's sets 7 deg or more (low-amplitude ones and a thigh sensor in a knee extension included); a smaller first rep shows when the next confirms it
    # -- fast sets without a gyro, read from their rhythm (``rhythm_sets``)
    burst_rest_s: float = 1.0  # a burst of movement ends at a rest this long (a fast set's reps come 0-0.2 s apart, and the tilt's speed without a gyro dips under the still speed for 0.3 s within one now and then: a set came out as two bursts of 5 and 6 reps at 0.3 s, real-behaviour recording 0015 of seed 2026)
    max_burst_s: float = 30.0  # a longer burst is no set of fast reps (12 reps of 1.2 s each and their rests, with room to spare: a walk about the room is longer)
    rhythm_rest_match_deg: float = 10.0  # ... and one that does not come back within this of the rest it left is none either (fast sets: 0.4-4.9 deg, real-behaviour corpus seed 2026; a lift to a hold of a steady set, which a rest of ``burst_rest_s`` also ends, is its range away)
    rhythm_show_every_s: float = 0.5  # a burst under way is read this often for the reps it has so far, shown as not yet sure (the reps show a cycle and up to this after they end; every 0.25 s cut the stream twice as often and cost feed() without a gyro 108,800 -> 100,400 samples/s, against a budget of 100,000)
    rhythm_show_min_cycles: int = 4  # ... from this many completed cycles on: with 3, a slow set's first rep (its wobble read as cycles, before the detector had timed it) and setup motion showed reps taken back when their burst was over (29 reps in 7 bursts, real behaviours seed 2026)
    rhythm_lying_force_share: float = 0.99  # a burst whose mean specific force along its rest's up is under this share of the rest's own lay across gravity (:attr:`PipelineConfig.tells_lying_rest_from_rhythm`, ``Burst.force_along_rest``): no walk, so a fast set lying down, counted without waiting for a set timed at its rest. Shank sensors, real behaviours seeds 2026 and 11: walks and turns at one rest 1.08-1.16, fast sets standing 1.03-1.78 and seated 1.15-1.51 (the shank along gravity, as in a walk), fast sets lying down 0.62-0.994 (30 of 31 under 0.99). A margin under 1: a slow walk's shank reads near it
    rhythm_min_cycles: int = 3  # a burst of fewer cycles is no fast set (``fast_run_min_reps``)
    max_held_bursts: int = 3  # bursts at a rest where no set was counted wait this many at most for one (``RunTracker.hold_rhythm_set``): a bound on what is kept, not a rule of counting -- the next set counted settles all of them (a first set is one burst; a few more are walks or shifting about before it)
    held_burst_max_range_factor: float = 1.5  # ... and only cycles of up to this many times the exercise's largest range (their median, estimated; the same factor as ``announce_max_range_factor``, what a set's first rep may show): with a thigh or pelvis sensor, bending to pick up the weight, sitting on the bed and lying on the back turn gravity alike in the sensor, and a walk between them, away from that rest by 80-90 deg, reads as cycles of 150-180 deg (real behaviours seed 2026: 5 walks held so were counted as sets after the set that followed). Fast sets lying down read 4-130 deg there: the one past it (130 deg, a straight-leg raise whose limit is 80) is not held
    rhythm_max_cycle_s: float = 1.2  # ... nor one whose cycles take longer than this on average: reps that slow show their own tilt and the detector times them (``min_unpaused_rep_s``)

    # -- rep metrics (``rep_metrics``): phases, tempo, hold, smoothness
    phase_top_fraction: float = 0.8  # the lift ends where the segment slows once past this share of the range (pauses between sub-movements lower down do not end it) ...
    phase_lowering_fraction: float = 0.5  # ... and the lowering starts at the last slow sample before the angle comes back through this share (a hold that sags stays a hold)
    phase_speed_floor_dps: float = 2.0  # "slow" is at least below this speed whatever the rep's peak speed (sensor noise of a still segment)
    angle_smoothing_s: float = 0.15  # the angle is smoothed over this before the 10-90 % tempo crossings (tremor at 4-12 Hz; a rep's phase takes 0.5 s or more)
    top_region_fraction: float = 0.8  # the held top is the median of the angle above this share of the peak (a flick past the top and an oscillation about it, 5-15 % of the range in the simulator, sit in it briefly; a hold sits there long)
    smoothness_cut_fraction: float = 0.85  # smoothness (SPARC, velocity peaks, shake) is measured on the lift up to this share of the held range and the lowering from it (a hold is no movement; an oscillation about the top dips to about 0.92 of it)
    smoothness_end_fraction: float = 0.15  # ... and the lowering only until it comes within this share of the end (a bounce as the leg lands passes the rest by 5-20 % of the range and springs back; the heel strike is there too)
    velocity_peak_noise_fraction: float = 0.5  # speed peaks smaller than this share of ``still_dps`` are noise, not sub-movements
    velocity_peak_smooth_s: float = 0.1  # speed peaks are counted on the speed averaged over this long (a sub-movement lasts 0.3 s or more; real movement wobbles at 2-8 Hz, see Thresholds.jerky_velocity_peaks)
    tremor_window_s: float = 0.2  # tremor is the angular velocity's RMS about its moving average over this long: it passes 4-8 Hz oscillation and little of a rep's own bell
    pelvis_same_posture_deg: float = 20.0  # a pelvis "rep" starting within this of the pelvis posture at the last rep's start, that turns it past ``pelvis_posture_change_deg``, is a posture change (the first rep after lying down is not judged so)


@dataclass(frozen=True)
class PipelineConfig:
    exercise: ExerciseDefinition
    sample_rate_hz: float
    has_gyro: bool
    with_pelvis: bool = False
    main_is_pelvis: bool = False
    #: where the main sensor is (None: on the exercise's moving segment)
    placement: Placement | None = None
    thresholds: Thresholds = Thresholds()
    personal: Personalisation = Personalisation()
    detector: DetectorConfig = DetectorConfig()
    orientation: OrientationConfig = OrientationConfig()
    rhythm: RhythmConfig = RhythmConfig()

    def __post_init__(self) -> None:
        # every buffer and filter of the engine is sized by the rate: refuse an absurd one here,
        # whatever the source, rather than allocate for it
        check_sample_rate(self.sample_rate_hz)

    @property
    def max_rep_rom_deg(self) -> float:
        """The largest excursion the detector follows as one rep before it takes it for a change
        of posture: the exercise table's limit, which is the moving segment's (the thigh's in a
        hip exercise). A sensor on the shank in a hip exercise turns with the knee as well as the
        hip -- a knee that bends adds its own range, and real people's shank excursions in leg
        raises reach 80-110 deg (UCI subject 2) -- so no range stands for a posture change there:
        one is told by the posture after it (settled away from the start, or away for longer
        than any rep)."""
        if self.knee_between:
            return math.inf
        return self.exercise.max_rep_rom_deg

    @property
    def knee_between(self) -> bool:
        """The sensor is on the shank in an exercise of the thigh: the knee turns between them."""
        return self.placement is Placement.SHANK and self.exercise.moving_segment is Placement.THIGH

    @property
    def part_way_max_deg(self) -> float:
        """The largest peak from which a lift may come back part of the way to a raised rest (the
        part-way rules of the detector, and a rep shown on its way down): the top of the exercise
        table's typical range, the moving segment's -- past it, a still posture is where the person
        lay down or sat, and the movement back from it a rep from there. A sensor on the shank in
        a hip exercise turns with the knee as well, ``DetectorConfig.part_way_knee_deg`` more."""
        top = self.exercise.typical_rom_deg[1]
        return top + self.detector.part_way_knee_deg if self.knee_between else top

    @property
    def reads_fast_sets_from_rhythm(self) -> bool:
        """Fast sets are read from their rhythm (:mod:`tracker.pipeline.rhythm_sets`): without a
        gyro, where a walk can be told from them -- lying down, where no one walks; seated, where a
        fast set swings the shank one way from its rest, as the set counted there did, and a walk
        to the chair both ways (stop 40: the seated knee extension's fast sets counted 0, 9 of them
        on real behaviours seeds 2026 and 11; each now within one, and no false rep more); standing
        in an exercise of the frontal plane (hip abduction), across the sagittal plane a walk
        swings the leg in; or standing in the sagittal plane with the sensor on the moving segment
        (the thigh), where a set's cycles must turn at least half as far as the set counted at
        their rest and hardly swing back past it (``RunTracker._swings_like_a_set``: shifting from
        foot to foot does; stop 40, 9 fast sets counted 0 on seeds 2026 and 11 now counted, no walk
        or shift counted). Not with a shank sensor there: its walk leans back as a standing hip
        extension does, by as much, and its fast sets swing back past the rest as far (the leg's
        own acceleration bends their tilt): counted as fast sets, real behaviours seed 2026."""
        posture = self.exercise.start_posture
        return not self.has_gyro and (posture.lying or posture is Posture.SEATED
                                      or (posture is Posture.STANDING and (self.exercise.plane is Plane.FRONTAL
                                                                           or self.placement in (None, self.exercise.moving_segment))))

    @property
    def rest_across_gravity(self) -> bool:
        """At the exercise's rest the main sensor's segment lies across gravity: lying down, or
        seated with the sensor on the thigh (level on the chair). No walk moves a segment from such
        a rest -- a walk swings segments that hang along gravity, from a rest 60-90 deg away -- so
        at the rest of a set counted there a fast set's landing may swing back past it
        (``RunTracker._at_counted_rest_across_gravity``). Not a shank seated: it hangs as in a walk."""
        posture = self.exercise.start_posture
        return posture.lying or (posture is Posture.SEATED and self.placement is Placement.THIGH)

    @property
    def tells_lying_rest_from_rhythm(self) -> bool:
        """A burst without a gyro says by itself whether its rest lay across gravity
        (``Burst.force_along_rest`` under ``rhythm_lying_force_share``): a sensor on the shank, in
        an exercise done lying down. A walk swings a shank hanging along gravity, and its
        centripetal acceleration, along the shank, adds to the specific force along the rest's up;
        lying down the shank lies across gravity, and nothing does. Without it a fast set lying
        down waits for a set timed at its rest (:meth:`~tracker.pipeline.runs.RunTracker.rhythm_verdict`),
        and a session of fast sets only counted none (now 5 sets more exact on real behaviours seed
        2026, 2 on seed 11). Not the thigh: its sensor is nearer the hip, and its walks read
        0.82-1.05, as its fast sets lying down do (0.38-0.999)."""
        return (not self.has_gyro and self.placement is Placement.SHANK
                and self.exercise.start_posture.lying)

    @property
    def max_hold_s(self) -> float:
        hold = self.personal.hold_s or 0.0
        return max(self.detector.max_hold_s, self.detector.max_hold_per_prescribed * hold + self.detector.max_hold_margin_s)
