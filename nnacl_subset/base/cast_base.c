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

static int write_int(int32_t dst, void *out, int32_t i, int64_t v) {
  switch (dst) {
    case CAST_BOOL:
      ((uint8_t *)out)[i] = (uint8_t)(v != 0);
      return NNACL_OK;
    case CAST_INT8:
      ((int8_t *)out)[i] = (int8_t)v;
      return NNACL_OK;
    case CAST_INT16:
      ((int16_t *)out)[i] = (int16_t)v;
      return NNACL_OK;
    case CAST_INT32:
      ((int32_t *)out)[i] = (int32_t)v;
      return NNACL_OK;
    case CAST_INT64:
      ((int64_t *)out)[i] = v;
      return NNACL_OK;
    case CAST_UINT8:
      ((uint8_t *)out)[i] = (uint8_t)v;
      return NNACL_OK;
    case CAST_UINT16:
      ((uint16_t *)out)[i] = (uint16_t)v;
      return NNACL_OK;
    case CAST_UINT32:
      ((uint32_t *)out)[i] = (uint32_t)v;
      return NNACL_OK;
    case CAST_UINT64:
      ((uint64_t *)out)[i] = (uint64_t)v;
      return NNACL_OK;
    case CAST_FLOAT16:
      ((uint16_t *)out)[i] = nnacl_f32_to_f16((float)v);
      return NNACL_OK;
    case CAST_FLOAT32:
      ((float *)out)[i] = (float)v;
      return NNACL_OK;
    default:
      return NNACL_ERR_PARAM;
  }
}

static int write_uint(int32_t dst, void *out, int32_t i, uint64_t v) {
  switch (dst) {
    case CAST_FLOAT16:
      ((uint16_t *)out)[i] = nnacl_f32_to_f16((float)v);
      return NNACL_OK;
    case CAST_FLOAT32:
      ((float *)out)[i] = (float)v;
      return NNACL_OK;
    case CAST_UINT64:
      ((uint64_t *)out)[i] = v;
      return NNACL_OK;
    default: /* the other types take the low bits: the same as from the int64 with those bits */
      return write_int(dst, out, i, (int64_t)v);
  }
}

static int write_float(int32_t dst, void *out, int32_t i, float f) {
  switch (dst) {
    case CAST_BOOL:
      ((uint8_t *)out)[i] = (uint8_t)(f != 0.0f);
      return NNACL_OK;
    case CAST_INT8:
      ((int8_t *)out)[i] = (int8_t)clamp_i64(f32_to_i64_sat(f), INT8_MIN, INT8_MAX);
      return NNACL_OK;
    case CAST_INT16:
      ((int16_t *)out)[i] = (int16_t)clamp_i64(f32_to_i64_sat(f), INT16_MIN, INT16_MAX);
      return NNACL_OK;
    case CAST_INT32:
      ((int32_t *)out)[i] = (int32_t)clamp_i64(f32_to_i64_sat(f), INT32_MIN, INT32_MAX);
      return NNACL_OK;
    case CAST_INT64:
      ((int64_t *)out)[i] = f32_to_i64_sat(f);
      return NNACL_OK;
    case CAST_UINT8:
      ((uint8_t *)out)[i] = (uint8_t)clamp_i64(f32_to_i64_sat(f), 0, UINT8_MAX);
      return NNACL_OK;
    case CAST_UINT16:
      ((uint16_t *)out)[i] = (uint16_t)clamp_i64(f32_to_i64_sat(f), 0, UINT16_MAX);
      return NNACL_OK;
    case CAST_UINT32:
      ((uint32_t *)out)[i] = (uint32_t)clamp_i64(f32_to_i64_sat(f), 0, UINT32_MAX);
      return NNACL_OK;
    case CAST_UINT64:
      ((uint64_t *)out)[i] = f32_to_u64_sat(f);
      return NNACL_OK;
    case CAST_FLOAT16:
      ((uint16_t *)out)[i] = nnacl_f32_to_f16(f);
      return NNACL_OK;
    case CAST_FLOAT32:
      ((float *)out)[i] = f;
      return NNACL_OK;
    default:
      return NNACL_ERR_PARAM;
  }
}

int cast_base(const cast_param_t *param, const void *input, void *output) {
  int32_t i;
  for (i = 0; i < param->size; ++i) {
    int rc;
    switch (param->src) {
      case CAST_BOOL:
      case CAST_UINT8:
        rc = write_uint(param->dst, output, i, ((const uint8_t *)input)[i]);
        break;
      case CAST_INT8:
        rc = write_int(param->dst, output, i, ((const int8_t *)input)[i]);
        break;
      case CAST_INT16:
        rc = write_int(param->dst, output, i, ((const int16_t *)input)[i]);
        break;
      case CAST_INT32:
        rc = write_int(param->dst, output, i, ((const int32_t *)input)[i]);
        break;
      case CAST_INT64:
        rc = write_int(param->dst, output, i, ((const int64_t *)input)[i]);
        break;
      case CAST_UINT16:
        rc = write_uint(param->dst, output, i, ((const uint16_t *)input)[i]);
        break;
      case CAST_UINT32:
        rc = write_uint(param->dst, output, i, ((const uint32_t *)input)[i]);
        break;
      case CAST_UINT64:
        rc = write_uint(param->dst, output, i, ((const uint64_t *)input)[i]);
        break;
      case CAST_FLOAT16:
        rc = write_float(param->dst, output, i, nnacl_f16_to_f32(((const uint16_t *)input)[i]));
        break;
      case CAST_FLOAT32:
        rc = write_float(param->dst, output, i, ((const float *)input)[i]);
        break;
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
