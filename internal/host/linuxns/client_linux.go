package linuxns

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/containerd/console"
	"github.com/vjail/vjail/internal/fault"
	"golang.org/x/sys/unix"
)

// Call sends a request without file descriptors to the init listening on
// socket and returns its answer.
func Call(socket string, req Request) (Response, error) {
	conn, err := dial(socket)
	if err != nil {
		return Response{}, err
	}
	defer conn.Close()
	if err := send(conn, req, nil); err != nil {
		return Response{}, err
	}
	resp, _, err := recv(conn)
	if err == nil && resp.Error != "" {
		err = fmt.Errorf("%s", resp.Error)
	}
	return resp, err
}

// Exec runs a command inside the jail with stdin, stdout and stderr passed
// through, and returns its exit status (128+N for a signal). With
// req.Background it returns as soon as the command started, with status 0.
// onStart, if not nil, learns the command's pid (in the jail's namespace)
// as soon as it runs. ready, if not nil, is Init.Ready of a jail whose
// init may still be building it: the request is sent first, and waits for
// the init on the control socket.
func Exec(socket string, req Request, stdin, stdout, stderr *os.File, onStart func(pid int), ready func() error) (int, error) {
	req.Op = "exec"
	// An init that failed to build the jail says why on its own socket;
	// the control socket only says that it is gone.
	initFailed := func(err error) error {
		if ready != nil {
			if rerr := ready(); rerr != nil {
				return rerr
			}
		}
		return err
	}
	fault.Time("client.dial")
	conn, err := dial(socket)
	if err != nil {
		return -1, initFailed(err)
	}
	defer conn.Close()
	if err := send(conn, req, []int{int(stdin.Fd()), int(stdout.Fd()), int(stderr.Fd())}); err != nil {
		return -1, initFailed(err)
	}
	fault.Time("client.sent")
	if err := initFailed(nil); err != nil {
		return -1, err
	}
	return waitExit(conn, req.Background, onStart)
}

// Boot makes argv, the jail's own init, PID 1 of the jail, with stdin,
// stdout and stderr as its console, and waits until the jail takes
// requests again, now through the request loop the boot leaves behind.
func Boot(socket string, argv []string, stdin, stdout, stderr *os.File) error {
	conn, err := dial(socket)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := send(conn, Request{Op: "boot", Argv: argv}, []int{int(stdin.Fd()), int(stdout.Fd()), int(stderr.Fd())}); err != nil {
		return err
	}
	resp, _, err := recv(conn)
	if err != nil {
		return fmt.Errorf("%w: lost its init mid-request: %w", ErrLost, err)
	}
	if resp.Error != "" {
		return fmt.Errorf("%s", resp.Error)
	}
	if _, err := Call(socket, Request{Op: "ping"}); err != nil {
		return fmt.Errorf("the jail's init %s ended at once (its console output says why): %w", argv[0], err)
	}
	return nil
}

// ErrLost is the error of a request whose jail ended, or began to, while
// it was being served.
var ErrLost = errors.New("the jail has ended or is ending")

// ExecTTY runs a command inside the jail on a new pseudo-terminal of the
// jail's own devpts, connected to the caller's terminal term (put in raw
// mode meanwhile). The caller's terminal itself never enters the jail.
func ExecTTY(socket string, req Request, term console.Console, in io.Reader, out io.Writer) (int, error) {
	req.Op = "exec"
	req.TTY = true
	if ws, err := term.Size(); err == nil {
		req.Rows, req.Cols = ws.Height, ws.Width
	}
	conn, err := dial(socket)
	if err != nil {
		return -1, err
	}
	defer conn.Close()
	if err := send(conn, req, nil); err != nil {
		return -1, err
	}
	resp, fds, err := recv(conn)
	if err != nil {
		return -1, err
	}
	if resp.Error != "" {
		return -1, fmt.Errorf("%s", resp.Error)
	}
	if len(fds) != 1 {
		return -1, fmt.Errorf("init sent no pseudo-terminal")
	}
	// Non-blocking, so that the copy can be given a deadline below.
	unix.SetNonblock(fds[0], true)
	master := os.NewFile(uintptr(fds[0]), "pty")
	defer master.Close()
	if err := term.SetRaw(); err != nil {
		return -1, fmt.Errorf("raw mode: %w", err)
	}
	defer term.Reset()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); io.Copy(out, master) }()
	go io.Copy(master, in)
	code, err := waitExit(conn, false, nil)
	// The command is gone; the output it left is still in the master.
	master.SetReadDeadline(deadlineSoon())
	wg.Wait()
	return code, err
}

func waitExit(conn *net.UnixConn, background bool, onStart func(int)) (int, error) {
	for {
		resp, _, err := recv(conn)
		if err != nil {
			return -1, fmt.Errorf("%w: lost its init mid-request: %w", ErrLost, err)
		}
		if resp.Error != "" {
			return -1, fmt.Errorf("%s", resp.Error)
		}
		if resp.Exit != nil {
			return *resp.Exit, nil
		}
		if resp.PID > 0 && onStart != nil {
			onStart(resp.PID)
		}
		if background && resp.PID > 0 {
			return 0, nil
		}
	}
}

func dial(socket string) (*net.UnixConn, error) {
	conn, err := net.DialUnix("unixpacket", nil, &net.UnixAddr{Name: socket, Net: "unixpacket"})
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT) {
		// The init is exiting, or a zombie its parent has not reaped.
		return nil, fmt.Errorf("%w (without persist, a jail ends when its last process exits): %w", ErrLost, err)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to the jail's init: %w", err)
	}
	return conn, nil
}

func send(conn *net.UnixConn, req Request, fds []int) error {
	b, err := req.MarshalJSON()
	if err != nil {
		return err
	}
	var oob []byte
	if len(fds) > 0 {
		oob = unix.UnixRights(fds...)
	}
	if _, _, err := conn.WriteMsgUnix(b, oob, nil); err != nil {
		return fmt.Errorf("send to the jail's init: %w", err)
	}
	return nil
}

func recv(conn *net.UnixConn) (Response, []int, error) {
	buf := make([]byte, 64<<10)
	oob := make([]byte, unix.CmsgSpace(4))
	n, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
	if err != nil {
		return Response{}, nil, err
	}
	if n == 0 {
		return Response{}, nil, io.EOF
	}
	var resp Response
	if err := resp.UnmarshalJSON(buf[:n]); err != nil {
		return Response{}, nil, fmt.Errorf("bad answer from the jail's init: %w", err)
	}
	return resp, parseFDs(oob[:oobn]), nil
}

// deadlineSoon bounds how long output is drained after the command ended,
// in case a process it left behind keeps the terminal open.
func deadlineSoon() time.Time { return time.Now().Add(500 * time.Millisecond) }
