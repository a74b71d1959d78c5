/* gru_param.h -- parameters of GRU (fp32), the MindSpore Lite GRU layout. */
#ifndef NNACL_COMMON_GRU_PARAM_H_
#define NNACL_COMMON_GRU_PARAM_H_

#include "common/nnacl_common.h"

/* gate blocks of the weight rows and the bias, MindSpore Lite's order: update, reset, hidden */
#define GRU_GATE_UPDATE 0
#define GRU_GATE_RESET 1
#define GRU_GATE_HIDDEN 2
#define GRU_GATES 3

typedef struct gru_param_t {
  int32_t seq_len;        /* T: time steps of the input [T][batch][input_size] */
  int32_t batch;          /* B */
  int32_t input_size;     /* I */
  int32_t hidden_size;    /* H */
  int32_t num_directions; /* 1 (forward) or 2 (forward, then backward over reversed time) */
} gru_param_t;

#endif /* NNACL_COMMON_GRU_PARAM_H_ */
