// placeholder: replaced by the queue controller (see model/card/queue_ctrl_core.hpp)
module queue_ctrl (input logic clk, input logic rst_n, output logic busy);
  always_ff @(posedge clk) busy <= rst_n;
endmodule
