/* Streaming audio feature front end (float32): one hop of int16 samples in, one int8 feature
 * frame out. Pre-emphasis, window, radix-2 real FFT, magnitude or power spectrum, packed mel
 * filterbank, log, optional affine + clip, optional DCT-II (MFCC), quantization to the model's
 * input scale / zero point (truncation toward zero, saturated).
 *
 * Parameters and tables come as a const struct generated per model (micro_codegen/audio.py,
 * e.g. kws_feature_params.c); the caller owns the state and a work buffer of
 * AUDIO_FEATURE_BUFFER_FLOATS(...) floats (the generated header defines <NAME>_FEATURE_BUFFER_FLOATS).
 * No allocation, no I/O. Every float step matches the numpy twin bit for bit when compiled with
 * -ffp-contract=off (no fused multiply-add).
 */
#ifndef NNACL_AUDIO_AUDIO_FEATURE_FP32_H_
#define NNACL_AUDIO_AUDIO_FEATURE_FP32_H_

#include <stddef.h>
#include <stdint.h>

typedef struct {
  int32_t frame_length;        /* window length, samples */
  int32_t hop_length;          /* samples per push */
  int32_t fft_length;          /* power of two >= frame_length */
  int32_t num_mel;             /* mel bands */
  int32_t num_dct;             /* MFCC coefficients kept; 0: the log-mel bands are the output */
  float sample_scale;          /* int16 sample -> float */
  float preemphasis;           /* e[n] = x[n] - preemphasis * x[n-1]; 0: none */
  int32_t magnitude;           /* 1: |X|, 0: power |X|^2 * power_scale */
  float power_scale;
  float log_add;               /* y = log_mult * ln(max(mel + log_add, log_floor)) */
  float log_floor;
  float log_mult;
  float post_add;              /* y = (y + post_add) * post_mul */
  float post_mul;
  int32_t clip;                /* 1: clip y to [clip_lo, clip_hi] */
  float clip_lo;
  float clip_hi;
  float out_scale;             /* int8 = trunc(y / out_scale + out_zero_point), saturated */
  int32_t out_zero_point;
  const float *window;         /* [frame_length] */
  const float *twiddle_cos;    /* [fft_length / 2] cos(2 pi j / fft_length) */
  const float *twiddle_sin;    /* [fft_length / 2] sin(2 pi j / fft_length) */
  const int16_t *mel_start;    /* [num_mel] first FFT bin of each band */
  const int16_t *mel_len;      /* [num_mel] weights of each band */
  const float *mel_weights;    /* [sum(mel_len)] packed band after band */
  const float *dct;            /* [num_dct * num_mel] row-major, or NULL */
} audio_feature_param_t;

typedef struct {
  const audio_feature_param_t *param;
  float prev_sample;           /* last scaled sample of the previous hop (pre-emphasis) */
  float *history;              /* [frame_length] pre-emphasised samples, oldest first */
  float *fft;                  /* [fft_length] */
  float *spectrum;             /* [fft_length / 2 + 1] */
  float *mel;                  /* [num_mel] */
  float *features;             /* [num_dct or num_mel] float features of the last push */
} audio_feature_state_t;

/* Work buffer size (floats) for a front end of these dimensions. */
#define AUDIO_FEATURE_BUFFER_FLOATS(frame_length, fft_length, num_mel, num_out) \
  ((frame_length) + (fft_length) + (fft_length) / 2 + 1 + (num_mel) + (num_out))

/* Floats of work buffer that `param` needs. */
size_t audio_feature_buffer_floats(const audio_feature_param_t *param);

/* Binds `state` to `param` and `buffer` (`buffer_floats` floats) and zeroes the history.
 * Returns 0, or -1 when the buffer is too small or the parameters are inconsistent. */
int audio_feature_init(audio_feature_state_t *state, const audio_feature_param_t *param, float *buffer,
                       size_t buffer_floats);

/* Shifts in hop_length samples, computes the features of the last frame_length samples and
 * writes them quantized to `out` (num_dct or num_mel int8 values). The float features stay in
 * state->features until the next push. */
void audio_feature_push(audio_feature_state_t *state, const int16_t *samples, int8_t *out);

/* Real FFT of `data` (param->fft_length floats, overwritten) -> power |X[k]|^2 = re^2 + im^2 of
 * the fft_length / 2 + 1 bins in `power`. */
void audio_rfft_power_fp32(const audio_feature_param_t *param, float *data, float *power);

/* Natural log of a positive normal float, bit-reproducible (the numpy twin ln_f32). */
float audio_ln_fp32(float x);

#endif /* NNACL_AUDIO_AUDIO_FEATURE_FP32_H_ */
