/*
 * cast_base.c -- Cast, element by element: the source value is read as int64 (signed types,
 * bool), uint64 (unsigned types) or float (float16, float32), then written as the destination
 * type (rules in cast_base.h).
 */
#include "base/cast_base.h"

/* trunc(f) saturated to int64 (NaN: 0) */
static int64_t f32_to_i64_sat(float f) {
  if (f != f) {
    return 0;
  }
  if (f >= 9223372036854775808.0f) {
    return INT64_MAX;
  }
  if (f < -9223372036854775808.0f) {
    return INT64_MIN;
  }
  return (int64_t)f;
}

/* trunc(f) saturated to uint64 (NaN: 0) */
static uint64_t f32_to_u64_sat(float f) {
  if (f != f || f <= -1.0f) {
    return 0u;
  }
  if (f >= 18446744073709551616.0f) {
    return UINT64_MAX;
  }
  return (uint64_t)f;
}

static int64_t clamp_i64(int64_t v, int64_t lo, int64_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

/* The integer types narrower than 64 bits: X(code, C type, min, max, writer of a value read
 * from that type: write_int for the signed ones, write_uint for the unsigned ones) */
#define CAST_NARROW_INTEGERS(X)                           \
  X(CAST_INT8, int8_t, INT8_MIN, INT8_MAX, write_int)     \
  X(CAST_INT16, int16_t, INT16_MIN, INT16_MAX, write_int) \
  X(CAST_INT32, int32_t, INT32_MIN, INT32_MAX, write_int) \
  X(CAST_UINT8, uint8_t, 0, UINT8_MAX, write_uint)        \
  X(CAST_UINT16, uint16_t, 0, UINT16_MAX, write_uint)     \
  X(CAST_UINT32, uint32_t, 0, UINT32_MAX, write_uint)

/* a case of a writer: element i of out, of destination type code CODE and C type T, is EXPR */
#define CAST_WRITE(CODE, T, EXPR) \
  case CODE:                      \
    ((T *)out)[i] = (T)(EXPR);    \
    return NNACL_OK;

/* integer -> integer: the low bits of v */
#define CAST_WRITE_LOW_BITS(CODE, T, LO, HI, WRITER) CAST_WRITE(CODE, T, v)
/* float -> integer: trunc(f) saturated to [LO, HI] */
#define CAST_WRITE_SATURATED(CODE, T, LO, HI, WRITER) CAST_WRITE(CODE, T, clamp_i64(f32_to_i64_sat(f), LO, HI))

static int write_int(int32_t dst, void *out, int32_t i, int64_t v) {
  switch (dst) {
    CAST_WRITE(CAST_BOOL, uint8_t, v != 0)
    CAST_NARROW_INTEGERS(CAST_WRITE_LOW_BITS)
    CAST_WRITE(CAST_INT64, int64_t, v)
    CAST_WRITE(CAST_UINT64, uint64_t, v)
    CAST_WRITE(CAST_FLOAT16, uint16_t, nnacl_f32_to_f16((float)v))
    CAST_WRITE(CAST_FLOAT32, float, v)
    default:
      return NNACL_ERR_PARAM;
  }
}

static int write_uint(int32_t dst, void *out, int32_t i, uint64_t v) {
  switch (dst) {
    CAST_WRITE(CAST_FLOAT16, uint16_t, nnacl_f32_to_f16((float)v))
    CAST_WRITE(CAST_FLOAT32, float, v)
    CAST_WRITE(CAST_UINT64, uint64_t, v)
    default: /* the other types take the low bits: the same as from the int64 with those bits */
      return write_int(dst, out, i, (int64_t)v);
  }
}

static int write_float(int32_t dst, void *out, int32_t i, float f) {
  switch (dst) {
    CAST_WRITE(CAST_BOOL, uint8_t, f != 0.0f)
    CAST_NARROW_INTEGERS(CAST_WRITE_SATURATED)
    CAST_WRITE(CAST_INT64, int64_t, f32_to_i64_sat(f))
    CAST_WRITE(CAST_UINT64, uint64_t, f32_to_u64_sat(f))
    CAST_WRITE(CAST_FLOAT16, uint16_t, nnacl_f32_to_f16(f))
    CAST_WRITE(CAST_FLOAT32, float, f)
    default:
      return NNACL_ERR_PARAM;
  }
}

/* a case of cast_base: element i of the input, of source type code CODE and C type T, widened
 * by LOAD and written by WRITER */
#define CAST_READ(CODE, T, LOAD, WRITER)                             \
  case CODE:                                                         \
    rc = WRITER(param->dst, output, i, LOAD(((const T *)input)[i])); \
    break;
#define CAST_READ_AS_IS(x) (x)
#define CAST_READ_INTEGER(CODE, T, LO, HI, WRITER) CAST_READ(CODE, T, CAST_READ_AS_IS, WRITER)

int cast_base(const cast_param_t *param, const void *input, void *output) {
  int32_t i;
  for (i = 0; i < param->size; ++i) {
    int rc;
    switch (param->src) {
      CAST_READ(CAST_BOOL, uint8_t, CAST_READ_AS_IS, write_uint)
      CAST_NARROW_INTEGERS(CAST_READ_INTEGER)
      CAST_READ(CAST_INT64, int64_t, CAST_READ_AS_IS, write_int)
      CAST_READ(CAST_UINT64, uint64_t, CAST_READ_AS_IS, write_uint)
      CAST_READ(CAST_FLOAT16, uint16_t, nnacl_f16_to_f32, write_float)
      CAST_READ(CAST_FLOAT32, float, CAST_READ_AS_IS, write_float)
      default:
        rc = NNACL_ERR_PARAM;
        break;
    }
    if (rc != NNACL_OK) {
      return rc;
    }
  }
  return NNACL_OK;
}
