import socket, os, sys, time
S=[]
def tcp(fam, addr, port=0, dual=False):
    s=socket.socket(fam, socket.SOCK_STREAM)
    if fam==socket.AF_INET6: s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0 if dual else 1)
    s.bind((addr, port) if fam==socket.AF_INET else (addr, port, 0, 0) if not isinstance(addr, tuple) else addr); s.listen(5); S.append(s); return s
def udp(fam, addr, port=0, dev=None):
    s=socket.socket(fam, socket.SOCK_DGRAM)
    if dev: s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, dev.encode())
    s.bind((addr, port) if fam==socket.AF_INET else (addr, port, 0, 0) if not isinstance(addr, tuple) else addr); S.append(s); return s
tcp(socket.AF_INET, "0.0.0.0", 48001)
tcp(socket.AF_INET, "127.0.0.1", 48002)
tcp(socket.AF_INET6, "::", 48003)
tcp(socket.AF_INET6, "::1", 48004)
tcp(socket.AF_INET6, "::", 48005, dual=True)
tcp(socket.AF_INET6, "::ffff:127.0.0.1", 48006, dual=True)
tcp(socket.AF_INET6, ("fe80::fc:ff:fe00:1", 48007, 0, socket.if_nametoindex("eth0")))
tcp(socket.AF_INET6, "fd00::2", 48008)
udp(socket.AF_INET, "0.0.0.0", 48101)
udp(socket.AF_INET, "127.0.0.53", 48102, dev="lo")
udp(socket.AF_INET6, "::", 48103)
udp(socket.AF_INET6, "::1", 48104)
udp(socket.AF_INET6, ("fe80::fc:ff:fe00:1", 48105, 0, socket.if_nametoindex("eth0")))
c=udp(socket.AF_INET, "127.0.0.1", 48106); c.connect(("127.0.0.1", 48101))
# an established loopback connection: client and accepted server sockets are not listeners
srv=S[1]; cl=socket.create_connection(("127.0.0.1", 48002)); a,_=srv.accept(); S+= [cl,a]
shared=tcp(socket.AF_INET, "127.0.0.1", 48009)
pid=os.fork()
if pid==0:
    time.sleep(300); sys.exit(0)
print("ready", os.getpid(), pid, flush=True)
time.sleep(300)
