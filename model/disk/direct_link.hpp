#pragma once
// A private link between one initiator and one disk, as in DiskSim's
// validation setup (zero-time buses and controller; the disk's "Bulk sector
// transfer time" sets the data rate): data phases take bytes/512 x
// sector_time, status completes the request at once.
#include "model/scsi/scsi_link.hpp"

#include <systemc>

namespace iosim {

class DirectLink : public ScsiTargetLink {
public:
  explicit DirectLink(double sector_time_s) : sector_time_(sector_time_s) {}
  void transfer(int, IoRequest&, uint64_t bytes) override {
    const double t = double(bytes) / kSectorBytes * sector_time_;
    if (t > 0) sc_core::wait(sc_core::sc_time(t, sc_core::SC_SEC));
    bytes_ += bytes;
  }
  void complete(int, IoRequest& req) override {
    if (req.on_done) req.on_done(req);
  }
  uint64_t bytes_moved() const { return bytes_; }

private:
  double sector_time_;
  uint64_t bytes_ = 0;
};

} // namespace iosim
