/* lstm_param.h -- parameters of LSTM (fp32), MindSpore Lite / ONNX layout. */
#ifndef NNACL_COMMON_LSTM_PARAM_H_
#define NNACL_COMMON_LSTM_PARAM_H_

#include "common/nnacl_common.h"

/* gate blocks of the weight rows and the bias, in the order the converter keeps them (ONNX i, o, f, c) */
#define LSTM_GATE_INPUT 0
#define LSTM_GATE_OUTPUT 1
#define LSTM_GATE_FORGET 2
#define LSTM_GATE_CELL 3
#define LSTM_GATES 4

typedef struct lstm_param_t {
  int32_t seq_len;        /* T: time steps of the input [T][batch][input_size] */
  int32_t batch;          /* B */
  int32_t input_size;     /* I */
  int32_t hidden_size;    /* H */
  int32_t num_directions; /* 1 (forward) or 2 (forward, then backward over reversed time) */
  float zoneout_cell;     /* c = z * c_old + (1 - z) * c_new when z != 0 */
  float zoneout_hidden;   /* h = z * h_old + (1 - z) * h_new when z != 0 (the output y_t is h_new) */
} lstm_param_t;

#endif /* NNACL_COMMON_LSTM_PARAM_H_ */
